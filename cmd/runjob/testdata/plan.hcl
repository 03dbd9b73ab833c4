variable "token" {
  type      = string
  sensitive = true
}

variable "versions" {
  type    = list(string)
  default = ["1.22", "1.23"]
}

pipeline {
  name = "plan-demo"
}

step "build" {
  image  = "golang:1.23"
  pull   = "always"
  script = <<-EOT
    go build -o /out/app .
    echo "token is ${var.token}"
  EOT
  env = {
    TOKEN = var.token
    MODE  = "release"
  }

  resources {
    memory = "1g"
    cpus   = 2
  }

  artifact "bin" {
    path = "/out"
  }
}

step "test" {
  for_each = toset(var.versions)
  image    = "golang:${each.key}"
  command  = ["go", "test", "-run", "Test Something", "./..."]
  timeout  = "5m"
  retries  = 1

  input "bin" {
    from = step.build.artifact.bin
    to   = "/app"
  }
}

step "deploy" {
  image      = "busybox:latest"
  command    = ["echo", "deploy"]
  when       = false
  depends_on = [step.test]
}

step "docs" {
  image   = "busybox:latest"
  command = ["echo", "docs"]
}
