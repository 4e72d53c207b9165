"""The volunteer-time pages, one module per side: portal (her "My time": log, change, withdraw) and coordinator
(the approval queue, the kinds)."""
