"""Trade associations and networks: members join with a code; membership alone shows the
association nothing of a member's assessments."""
