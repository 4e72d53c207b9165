"""The announcements' pages, one module per side: coordinator (the shelter's list, the write form) and portal (her
messages, one message, the unread ones on her start page, her link from a notice)."""
