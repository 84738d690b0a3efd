"""Red-team tests: each failing test is a leak of the privacy guarantee; passing ones are attacks that held."""
