# Every construct of the format, once. rich.json is its JSON twin.
pipeline {
  name        = "rich-${var.env}"
  concurrency = 4
  fail_fast   = true
  timeout     = "30m"
}

variable "env" {
  type        = string
  default     = "dev"
  description = "deployment environment"

  validation {
    condition     = contains(["dev", "prod"], var.env)
    error_message = "env must be dev or prod."
  }
}

variable "go_versions" {
  type    = list(string)
  default = ["1.22", "1.23"]
}

variable "replicas" {
  type    = number
  default = 2
}

locals {
  version = trimspace(file("../files/VERSION"))
  tag     = "${local.version}-${var.env}"
  labels  = { env = var.env, replicas = tostring(var.replicas) }
}

step "build" {
  image   = "golang:1.23"
  pull    = "always"
  workdir = "/src"
  env     = merge(local.labels, { TAG = local.tag })
  script  = <<-EOT
    echo building ${local.tag}
    echo "home is $${HOME}"
  EOT
  timeout = "10m"
  retries = 2
  user    = "1000:1000"

  resources {
    memory = "512m"
    cpus   = 1.5
  }

  input "src" {
    from = "../files/src"
    to   = "/src"
  }

  artifact "bin" {
    path = "/out"
  }

  artifact "logs" {
    path = "/var/log/build"
    when = "always"
  }
}

step "test" {
  for_each      = toset(var.go_versions)
  image         = "golang:${each.key}"
  command       = ["go", "test", "./..."]
  allow_failure = each.key == "1.22"

  input "bin" {
    from = step.build.artifact.bin
    to   = "/bin-in"
  }
}

step "deploy" {
  image      = "busybox:latest"
  entrypoint = ["/bin/sh", "-c"]
  command    = [upper(format("deploy %s x%d", local.tag, var.replicas))]
  when       = var.env == "prod"
  depends_on = [step.test]
}

step "notify" {
  image      = "busybox:latest"
  shell      = ["/bin/sh", "-c"]
  script     = "echo done"
  depends_on = [step.test["1.23"]]
}
