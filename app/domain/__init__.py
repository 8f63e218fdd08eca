"""Pure rules: state machines, deadlines, calendars. No I/O, no clock, no framework."""
