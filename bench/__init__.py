"""`make bench`: a real load against a real server, reported as ratios to the HTTP floor."""
