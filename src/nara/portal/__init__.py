"""The single window (Gov24): pages for citizens and officials. The home page lives here."""
