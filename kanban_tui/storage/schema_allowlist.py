# ruff: noqa: E501 - generated data: each SQL text is kept exactly as SQLite stores it
"""Every schema object some squadboard version created, with each SQL text it has had.

A board file may hold only these objects (plus SQLite's own), each with one of these exact SQL
texts; anything else was planted or damaged. Generated from the migrations
(`tests/storage/test_file_safety.py` checks that it covers them): add variants, never remove one,
or files written by an earlier squadboard would be refused.
"""

from __future__ import annotations

ALLOWED_OBJECTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "_sqlite_migrations": (
        "table",
        (
            'CREATE TABLE "_sqlite_migrations" (\n   "id" INTEGER PRIMARY KEY,\n   "migration_set" TEXT,\n   "name" TEXT,\n   "applied_at" TEXT\n)',
        ),
    ),
    "idx__sqlite_migrations_migration_set_name": (
        "index",
        (
            'CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"\n    ON "_sqlite_migrations" ("migration_set", "name")',
        ),
    ),
    "events": (
        "table",
        (
            'CREATE TABLE "events" (\n   "id" TEXT PRIMARY KEY,\n   "hlc" INTEGER NOT NULL,\n   "at" TEXT NOT NULL,\n   "recorded_at" TEXT NOT NULL,\n   "actor" TEXT NOT NULL,\n   "squad_id" TEXT,\n   "card_uid" TEXT,\n   "kind" TEXT NOT NULL,\n   "payload" TEXT NOT NULL\n)',
            'CREATE TABLE "events" (\n   "id" TEXT PRIMARY KEY,\n   "hlc" INTEGER NOT NULL,\n   "at" TEXT NOT NULL,\n   "recorded_at" TEXT NOT NULL,\n   "actor" TEXT NOT NULL,\n   "squad_id" TEXT,\n   "card_uid" TEXT,\n   "kind" TEXT NOT NULL,\n   "payload" TEXT NOT NULL\n, "parents" TEXT)',
        ),
    ),
    "idx_events_hlc_id": (
        "index",
        ('CREATE INDEX "idx_events_hlc_id"\n    ON "events" ("hlc", "id")',),
    ),
    "idx_events_card_uid_hlc": (
        "index",
        ('CREATE INDEX "idx_events_card_uid_hlc"\n    ON "events" ("card_uid", "hlc")',),
    ),
    "idx_events_squad_id_hlc": (
        "index",
        ('CREATE INDEX "idx_events_squad_id_hlc"\n    ON "events" ("squad_id", "hlc")',),
    ),
    "squads": (
        "table",
        (
            'CREATE TABLE "squads" (\n   "id" TEXT PRIMARY KEY,\n   "name" TEXT NOT NULL,\n   "mission" TEXT NOT NULL,\n   "timezone" TEXT NOT NULL,\n   "prefix" TEXT NOT NULL,\n   "members" TEXT NOT NULL,\n   "next_number" INTEGER NOT NULL,\n   "created_at" TEXT\n)',
            'CREATE TABLE "squads" (\n   "id" TEXT PRIMARY KEY,\n   "name" TEXT NOT NULL,\n   "mission" TEXT NOT NULL,\n   "timezone" TEXT NOT NULL,\n   "prefix" TEXT NOT NULL,\n   "members" TEXT NOT NULL,\n   "next_number" INTEGER NOT NULL,\n   "created_at" TEXT\n, "sle_days" REAL, "sle_percent" INTEGER NOT NULL DEFAULT 85)',
        ),
    ),
    "columns": (
        "table",
        (
            'CREATE TABLE "columns" (\n   "id" TEXT PRIMARY KEY,\n   "squad_id" TEXT NOT NULL,\n   "name" TEXT NOT NULL,\n   "role" TEXT NOT NULL,\n   "wip_limit" INTEGER,\n   "wip_policy" TEXT NOT NULL,\n   "position" TEXT NOT NULL,\n   "removed" INTEGER NOT NULL DEFAULT 0\n)',
        ),
    ),
    "idx_columns_squad_id_position": (
        "index",
        (
            'CREATE INDEX "idx_columns_squad_id_position"\n    ON "columns" ("squad_id", "position")',
        ),
    ),
    "tags": (
        "table",
        (
            'CREATE TABLE "tags" (\n   "id" TEXT PRIMARY KEY,\n   "squad_id" TEXT NOT NULL,\n   "name" TEXT NOT NULL,\n   "description" TEXT NOT NULL,\n   "colour" TEXT NOT NULL\n)',
        ),
    ),
    "cards": (
        "table",
        (
            'CREATE TABLE "cards" (\n   "uid" TEXT PRIMARY KEY,\n   "key" TEXT NOT NULL,\n   "squad_id" TEXT NOT NULL,\n   "column_id" TEXT NOT NULL,\n   "position" TEXT NOT NULL,\n   "title" TEXT NOT NULL,\n   "description" TEXT,\n   "assignees" TEXT,\n   "tag_ids" TEXT,\n   "class_of_service" TEXT,\n   "due" TEXT,\n   "blocked" INTEGER NOT NULL,\n   "blocked_reason" TEXT,\n   "archived" INTEGER NOT NULL,\n   "deleted" INTEGER NOT NULL,\n   "created_at" TEXT,\n   "updated_at" TEXT\n)',
            'CREATE TABLE "cards" (\n   "uid" TEXT PRIMARY KEY,\n   "key" TEXT NOT NULL,\n   "squad_id" TEXT NOT NULL,\n   "column_id" TEXT NOT NULL,\n   "position" TEXT NOT NULL,\n   "title" TEXT NOT NULL,\n   "description" TEXT,\n   "assignees" TEXT,\n   "tag_ids" TEXT,\n   "class_of_service" TEXT,\n   "due" TEXT,\n   "blocked" INTEGER NOT NULL,\n   "blocked_reason" TEXT,\n   "archived" INTEGER NOT NULL,\n   "deleted" INTEGER NOT NULL,\n   "created_at" TEXT,\n   "updated_at" TEXT\n, "edited_concurrently" INTEGER NOT NULL DEFAULT 0)',
        ),
    ),
    "idx_cards_key": (
        "index",
        ('CREATE UNIQUE INDEX "idx_cards_key"\n    ON "cards" ("key")',),
    ),
    "idx_cards_column_id_position_uid": (
        "index",
        (
            'CREATE INDEX "idx_cards_column_id_position_uid"\n    ON "cards" ("column_id", "position", "uid")',
        ),
    ),
    "idx_cards_squad_id": (
        "index",
        ('CREATE INDEX "idx_cards_squad_id"\n    ON "cards" ("squad_id")',),
    ),
    "card_transitions": (
        "table",
        (
            'CREATE TABLE "card_transitions" (\n   "id" INTEGER PRIMARY KEY,\n   "card_uid" TEXT NOT NULL,\n   "column_id" TEXT NOT NULL,\n   "entered_at" TEXT NOT NULL,\n   "exited_at" TEXT,\n   "actor" TEXT NOT NULL,\n   "event_id" TEXT NOT NULL\n)',
        ),
    ),
    "idx_card_transitions_card_uid_id": (
        "index",
        (
            'CREATE INDEX "idx_card_transitions_card_uid_id"\n    ON "card_transitions" ("card_uid", "id")',
        ),
    ),
    "idx_card_transitions_column_id": (
        "index",
        ('CREATE INDEX "idx_card_transitions_column_id"\n    ON "card_transitions" ("column_id")',),
    ),
    "card_blocks": (
        "table",
        (
            'CREATE TABLE "card_blocks" (\n   "id" INTEGER PRIMARY KEY,\n   "card_uid" TEXT NOT NULL,\n   "reason" TEXT NOT NULL,\n   "blocked_at" TEXT NOT NULL,\n   "blocked_by" TEXT NOT NULL,\n   "unblocked_at" TEXT,\n   "unblocked_by" TEXT\n)',
        ),
    ),
    "idx_card_blocks_card_uid": (
        "index",
        ('CREATE INDEX "idx_card_blocks_card_uid"\n    ON "card_blocks" ("card_uid")',),
    ),
    "wip_exceptions": (
        "table",
        (
            'CREATE TABLE "wip_exceptions" (\n   "event_id" TEXT PRIMARY KEY,\n   "squad_id" TEXT,\n   "column_id" TEXT,\n   "card_uid" TEXT,\n   "kind" TEXT,\n   "wip_limit" INTEGER,\n   "count" INTEGER,\n   "reason" TEXT,\n   "at" TEXT,\n   "actor" TEXT\n)',
        ),
    ),
    "idx_wip_exceptions_squad_id_at": (
        "index",
        (
            'CREATE INDEX "idx_wip_exceptions_squad_id_at"\n    ON "wip_exceptions" ("squad_id", "at")',
        ),
    ),
    "card_heads": (
        "table",
        (
            'CREATE TABLE "card_heads" (\n   "card_uid" TEXT,\n   "event_id" TEXT,\n   PRIMARY KEY ("card_uid", "event_id")\n)',
        ),
    ),
    "card_conflicts": (
        "table",
        (
            'CREATE TABLE "card_conflicts" (\n   "card_uid" TEXT NOT NULL,\n   "field" TEXT,\n   "winner_event_id" TEXT NOT NULL,\n   "loser_event_id" TEXT,\n   PRIMARY KEY ("loser_event_id", "field")\n)',
        ),
    ),
    "idx_card_conflicts_card_uid": (
        "index",
        ('CREATE INDEX "idx_card_conflicts_card_uid"\n    ON "card_conflicts" ("card_uid")',),
    ),
    "retros": (
        "table",
        (
            'CREATE TABLE "retros" (\n   "id" TEXT PRIMARY KEY,\n   "squad_id" TEXT NOT NULL,\n   "number" INTEGER NOT NULL,\n   "title" TEXT NOT NULL,\n   "format" TEXT NOT NULL,\n   "columns" TEXT NOT NULL,\n   "since" TEXT,\n   "until" TEXT,\n   "previous_since" TEXT,\n   "previous_until" TEXT,\n   "vote_limit" INTEGER NOT NULL,\n   "hidden" INTEGER,\n   "revealed" INTEGER,\n   "facilitator" TEXT NOT NULL,\n   "started_at" TEXT,\n   "closed_at" TEXT,\n   "evidence" TEXT\n)',
        ),
    ),
    "idx_retros_number": (
        "index",
        ('CREATE UNIQUE INDEX "idx_retros_number"\n    ON "retros" ("number")',),
    ),
    "idx_retros_squad_id_number": (
        "index",
        ('CREATE INDEX "idx_retros_squad_id_number"\n    ON "retros" ("squad_id", "number")',),
    ),
    "retro_notes": (
        "table",
        (
            'CREATE TABLE "retro_notes" (\n   "id" TEXT PRIMARY KEY,\n   "retro_id" TEXT NOT NULL,\n   "number" INTEGER NOT NULL,\n   "column_name" TEXT NOT NULL,\n   "text" TEXT NOT NULL,\n   "author" TEXT,\n   "group_name" TEXT,\n   "created_at" TEXT NOT NULL\n)',
        ),
    ),
    "idx_retro_notes_retro_id_number": (
        "index",
        (
            'CREATE INDEX "idx_retro_notes_retro_id_number"\n    ON "retro_notes" ("retro_id", "number")',
        ),
    ),
    "retro_votes": (
        "table",
        (
            'CREATE TABLE "retro_votes" (\n   "event_id" TEXT PRIMARY KEY,\n   "retro_id" TEXT NOT NULL,\n   "note_id" TEXT NOT NULL,\n   "voter" TEXT NOT NULL\n)',
        ),
    ),
    "idx_retro_votes_retro_id_voter": (
        "index",
        (
            'CREATE INDEX "idx_retro_votes_retro_id_voter"\n    ON "retro_votes" ("retro_id", "voter")',
        ),
    ),
    "retro_actions": (
        "table",
        (
            'CREATE TABLE "retro_actions" (\n   "id" TEXT PRIMARY KEY,\n   "retro_id" TEXT NOT NULL,\n   "card_uid" TEXT NOT NULL,\n   "text" TEXT NOT NULL,\n   "owner" TEXT,\n   "due" TEXT,\n   "created_at" TEXT NOT NULL\n)',
        ),
    ),
    "idx_retro_actions_retro_id": (
        "index",
        ('CREATE INDEX "idx_retro_actions_retro_id"\n    ON "retro_actions" ("retro_id")',),
    ),
    "idx_retro_actions_card_uid": (
        "index",
        ('CREATE INDEX "idx_retro_actions_card_uid"\n    ON "retro_actions" ("card_uid")',),
    ),
    "member_tokens": (
        "table",
        (
            'CREATE TABLE "member_tokens" (\n   "id" TEXT PRIMARY KEY,\n   "member" TEXT NOT NULL,\n   "token_sha256" TEXT NOT NULL,\n   "created_at" TEXT NOT NULL,\n   "created_by" TEXT NOT NULL,\n   "revoked_at" TEXT,\n   "revoked_by" TEXT\n)',
        ),
    ),
    "idx_member_tokens_token_sha256": (
        "index",
        (
            'CREATE UNIQUE INDEX "idx_member_tokens_token_sha256"\n    ON "member_tokens" ("token_sha256")',
        ),
    ),
    "idx_member_tokens_member": (
        "index",
        ('CREATE INDEX "idx_member_tokens_member"\n    ON "member_tokens" ("member")',),
    ),
    "card_flow": (
        "table",
        (
            'CREATE TABLE "card_flow" (\n   "uid" TEXT PRIMARY KEY,\n   "squad_id" TEXT NOT NULL,\n   "key" TEXT NOT NULL,\n   "created_at" TEXT NOT NULL,\n   "tag_ids" TEXT,\n   "class_of_service" TEXT,\n   "assignees" TEXT,\n   "started_at" TEXT,\n   "finished_at" TEXT,\n   "created_day" INTEGER NOT NULL,\n   "start_day" INTEGER,\n   "finish_day" INTEGER,\n   "active_hours" REAL\n)',
        ),
    ),
    "idx_card_flow_squad_id_finished_at_started_at": (
        "index",
        (
            'CREATE INDEX "idx_card_flow_squad_id_finished_at_started_at"\n    ON "card_flow" ("squad_id", "finished_at", "started_at")',
        ),
    ),
    "flow_exits": (
        "table",
        (
            'CREATE TABLE "flow_exits" (\n   "card_uid" TEXT NOT NULL,\n   "stay" INTEGER NOT NULL,\n   "squad_id" TEXT NOT NULL,\n   "column_id" TEXT NOT NULL,\n   "exited_at" TEXT NOT NULL,\n   "exited_day" INTEGER NOT NULL,\n   "age_days" INTEGER NOT NULL,\n   "age_hours" REAL NOT NULL,\n   PRIMARY KEY ("card_uid", "stay")\n)',
        ),
    ),
    "idx_flow_exits_squad_id_exited_day_exited_at_column_id_age_days": (
        "index",
        (
            'CREATE INDEX "idx_flow_exits_squad_id_exited_day_exited_at_column_id_age_days"\n    ON "flow_exits" ("squad_id", "exited_day", "exited_at", "column_id", "age_days")',
        ),
    ),
}
