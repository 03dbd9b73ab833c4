# A small DAG: build writes a result into /out, which runjob exports as an
# artifact; test and lint run in parallel once build has succeeded; package
# waits for both.
variable "version" {
  default     = "1.0.0"
  description = "version stamped into the build output"
}

step "build" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir -p /out && echo \"result ${var.version}\" > /out/result.txt && echo built $(cat /out/result.txt)"]

  artifact "out" {
    path = "/out"
  }
}

step "test" {
  image      = "busybox:latest"
  command    = ["sh", "-c", "echo running tests; sleep 1; echo tests passed"]
  depends_on = [step.build]
}

step "lint" {
  image      = "busybox:latest"
  command    = ["sh", "-c", "echo lint warnings go to stderr >&2; echo lint ok"]
  depends_on = [step.build]
}

step "package" {
  image      = "busybox:latest"
  command    = ["sh", "-c", "echo packaging version $VERSION"]
  env        = { VERSION = var.version }
  depends_on = [step.test, step.lint]
}
