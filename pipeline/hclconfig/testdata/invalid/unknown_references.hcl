variable "region" {
  default = "eu"
}

locals {
  prefix = "app"
}

step "build" {
  image = "busybox:latest"
  artifact "bin" {
    path = "/out"
  }
}

step "deploy" {
  image   = "busybox:latest"
  command = ["echo", var.regoin, local.prefx]
  input "bin" {
    from = step.biuld.artifact.bin
    to   = "/bin"
  }
  input "other" {
    from = step.build.artifact.bni
    to   = "/other"
  }
}
