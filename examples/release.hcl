# A project's CI in one file, the way the three features are meant to work
# together: build the image the tests run in, test inside it, pass the
# version the test stage reports on to packaging, and tell someone and
# clean up when anything failed. Flip var.break_tests to see the failure
# path: package is skipped, notify runs, cleanup always runs, exit 1.

variable "break_tests" {
  default = false
}

image "app" {
  context = "./build"
  target  = "test"
  args    = { VERSION = "2.0.0" }
}

step "test" {
  image  = image.app
  script = <<-EOT
    sh /app/run-tests.sh 2.0.0
    ${var.break_tests ? "exit 1" : "true"}
    echo "version=$(cat /app/VERSION)" >> "$RUNJOB_OUTPUT"
  EOT
}

step "package" {
  image   = "busybox:latest"
  env     = { VERSION = step.test.output.version }
  command = ["sh", "-c", "mkdir -p /dist && echo \"app $VERSION\" > /dist/app-$VERSION.txt && ls /dist"]

  artifact "dist" {
    path = "/dist"
  }
}

step "notify" {
  image      = "busybox:latest"
  when       = "on_failure"
  depends_on = [step.package]
  command    = ["echo", "the release pipeline failed; see the run record"]
}

step "cleanup" {
  image      = "busybox:latest"
  when       = "always"
  depends_on = [step.package]
  command    = ["echo", "cleaning up"]
}
