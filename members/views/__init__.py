"""The members app's pages, one module per topic: accounts (after login, invitations, the shelter's start page,
the federation's shelters), register (the member register, fees, pledges, her own data), imports (import and
export), audit (the audit trail), notices (the outbox's failed and waiting notices), channels (her notification channels
per topic and quiet hours; the admins' SMS settings), settings (the shelter's own rules, for its admins)."""
