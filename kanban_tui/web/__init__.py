"""The board in a browser: `squadboard serve`, an aiohttp server around textual-serve."""
