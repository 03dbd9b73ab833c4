secret "token" {
  env = "TOKEN"
}

secret "token" {
  env = "OTHER"
}

secret "both" {
  env  = "X"
  file = "x"
}

secret "none" {}

locals {
  t = secret.token
}

step "a" {
  image   = "busybox:latest"
  command = ["echo", secret.token]
  env = {
    A = secret.tokn
  }
}

step "b" {
  image = "busybox:latest"
  env   = { B = upper(secret.token) }
}
