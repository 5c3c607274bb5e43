"""Application whose routes collide: the cases of TL401 and TL402 and their silent twins."""
