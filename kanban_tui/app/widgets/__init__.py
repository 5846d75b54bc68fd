"""The board's widgets."""
