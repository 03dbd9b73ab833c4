from_file  = "file"
from_flag  = "file"
file_only  = "file"
replicas   = 5
tags       = ["a", "b"]
limits     = { cpu = 2 }
unknown_one = "ignored, with a warning"
