"""Where the person sees the sync: the rounds (`controller`), the Sync and Credentials pages,
the enrolment dialog, and how they are put into the main window (`install`)."""
