"""The thidua documents service: official decrees and minutes rendered from the event stream."""
