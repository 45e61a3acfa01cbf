"""A commissioner opens one provider that shares with it: its completed assessments (read
only), progress, improvement actions and PDFs, within the share's scope; every look recorded."""
