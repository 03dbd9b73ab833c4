# A build matrix: one test instance per (os, go) pair, made with
# setproduct and keyed "os-go". report depends on every instance through
# its reference to step.test; package only on linux-1.23.
variable "oses" {
  type    = list(string)
  default = ["linux", "windows"]
}

locals {
  gos = ["1.22", "1.23"]
  matrix = {
    for pair in setproduct(var.oses, local.gos) :
    "${pair[0]}-${pair[1]}" => { os = pair[0], go = pair[1] }
  }
}

step "test" {
  for_each = local.matrix
  image    = "golang:${each.value.go}"
  env      = { GOOS = each.value.os }
  command  = ["go", "test", "./..."]

  artifact "report" {
    path = "/report"
  }
}

step "report" {
  image   = "busybox:latest"
  command = ["echo", "instances: ${join(",", [for t in step.test : t.name])}"]
}

step "package" {
  image = "busybox:latest"
  input "report" {
    from = step.test["linux-1.23"].artifact.report
    to   = "/in"
  }
}
