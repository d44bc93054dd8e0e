"""Pages, by whose work they serve: drafting (handläggare), review (the workflow's moves),
meetings (nämndsekreterare, ordförande, justerare) and the sender's view (remissamordnare)."""
