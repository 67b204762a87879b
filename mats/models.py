"""The mat itself: positions, routines, safety content and the usage log (to come)."""
