step "test" {
  for_each = toset(["go1.22", "go1.23"])
  image    = "golang:${trimprefix(each.key, "go")}"
  artifact "report" {
    path = "/report"
  }
}

step "report" {
  image      = "busybox:latest"
  depends_on = [step.test["go1.21"]]
  input "r" {
    from = step.test["go1.24"].artifact.report
    to   = "/in"
  }
}

step "plain" {
  image      = "busybox:latest"
  depends_on = [step.report["x"]]
}
