# The Docker Engine API's canonical example as a pipeline:
# one step, busybox, `echo hello world`.
step "hello" {
  image   = "busybox:latest"
  command = ["echo", "hello world"]
}
