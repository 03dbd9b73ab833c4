variable "names" {
  default = ["ada", "grace"]
}

locals {
  config  = jsondecode(file("../files/config.json"))
  version = trimspace(file("../files/VERSION"))
  home    = env("RUNJOB_TEST_HOME")
  missing = coalesce(env("RUNJOB_TEST_UNSET"), "fallback")
}

step "functions" {
  image = "busybox:latest"
  script = templatefile("../files/greeting.tpl", { names = var.names })
  env = {
    VERSION  = local.version
    MAJOR    = regex("^v(\\d+)", local.version)[0]
    REPLACED = replace(local.version, ".", "_")
    FORMAT   = format("%s-%03d", "build", 7)
    JSON     = jsonencode({ a = 1, b = [true] })
    KEYS     = join(",", keys(local.config))
    LOOKUP   = lookup(local.config, "region", "none")
    TRY      = try(local.config.nope, "no such key")
    CAN      = can(local.config.region)
    LENGTH   = length(var.names) + length("four")
    CONTAINS = contains(var.names, "ada")
    MERGED   = jsonencode(merge({ a = 1 }, { b = 2 }))
    SORTED   = join(",", sort(concat(var.names, ["bob"])))
    UPPER    = upper(lower("MiXeD"))
    HOME     = local.home
    MISSING  = local.missing
    SPLIT    = length(split(",", "a,b,c"))
    PRODUCT  = length(setproduct(["a", "b"], ["1", "2", "3"]))
  }
}
