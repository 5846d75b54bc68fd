"""The Textual board: the only part of squadboard that imports Textual."""
