"""`make bench`: the public pages' speed under load, as a share of the framework's own floor."""
