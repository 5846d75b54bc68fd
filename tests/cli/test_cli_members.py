"""`squadboard member invite|revoke|list`: links printed once, clean JSON, one-line errors."""

from __future__ import annotations

from kanban_tui.storage.store import Store
from tests.cli.helpers import Squadboard


def test_invite_prints_the_link_once_and_list_never_shows_it(growth: Squadboard) -> None:
    invited = growth.json("member", "invite", "ben", "--url", "https://board.example.com/")

    assert invited["member"] == "Ben"
    assert invited["link"] == f"https://board.example.com/?token={invited['token']}"
    listed = growth.json("member", "list")
    assert [(m["member"], m["active"], m["created_by"]) for m in listed] == [("Ben", True, "Ana")]
    assert invited["token"] not in growth.ok("member", "list", "--all").stdout
    with Store(growth.db, actor="Ana") as store:
        assert store.member_for_token(invited["token"]) == "Ben"


def test_the_human_output_is_the_link_on_a_line_of_its_own(growth: Squadboard) -> None:
    lines = growth.ok("member", "invite", "Chloé").stdout.splitlines()
    assert lines[1].startswith("http://127.0.0.1:8000/?token=")


def test_revoke_ends_the_link_and_list_all_keeps_the_record(growth: Squadboard) -> None:
    token = growth.json("member", "invite", "Ben")["token"]

    assert growth.json("member", "revoke", "Ben") == {"member": "Ben", "revoked": 1}
    assert growth.json("member", "list") == []
    [record] = growth.json("member", "list", "--all")
    assert record["revoked_by"] == "Ana"
    assert "no active link" in growth.ok("member", "revoke", "Ben").stdout
    with Store(growth.db, actor="Ana") as store:
        assert store.member_for_token(token) is None


def test_bad_input_is_one_line_and_exit_2(growth: Squadboard) -> None:
    assert "not a member of any squad" in growth.fail(2, "member", "invite", "Mallory")
    assert "not an http(s) address" in growth.fail(2, "member", "invite", "Ben", "--url", "ftp:x")
    assert "not a member" in growth.fail(2, "member", "revoke", "Mallory")


def test_serve_refuses_a_single_writer_network_board(growth: Squadboard) -> None:
    message = growth.fail(1, "--network-fs-single-writer", "serve")
    assert "single writer" in message


def test_serve_refuses_a_public_url_that_is_not_http(growth: Squadboard) -> None:
    assert "not an http(s) address" in growth.fail(2, "serve", "--public-url", "board.example")
