# Outputs are known only at run time: refused where a value is needed at load.
step "build" {
  image  = "busybox:latest"
  script = "echo tag=x >> $RUNJOB_OUTPUT"
}

step "matrix" {
  for_each = toset(["a"])
  image    = "busybox:latest"
}

step "image" {
  image = step.build.output.tag
}

step "when" {
  image = "busybox:latest"
  when  = step.build.output.enabled
}

step "deps" {
  image      = "busybox:latest"
  depends_on = [step.build.output.tag]
}

step "each" {
  for_each = toset([step.build.output.tag])
  image    = "busybox:latest"
}

step "refs" {
  image   = "busybox:latest"
  command    = ["echo", "${step.biuld.output.tag}"]
  entrypoint = [upper(step.build.output.tag)]
  env = {
    A = step.build.output
    B = step.matrix.output.x
  }
  timeout = step.build.output.timeout
  cache "c" {
    path = "/c/${step.build.output.tag}"
  }
}
