"""Debian's Chromium and how p4p launches it: by the browser tests and by
scripts/screenshots.py (never a browser a tool downloads itself)."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
