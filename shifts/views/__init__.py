"""The shifts app's pages, one module per topic: portal (the volunteer's phone pages), rota (the coordinator's
calendars and the shift page), lines (lines, patterns, one-off shifts), feeds (calendar links and the token
feed), stats (statistics)."""
