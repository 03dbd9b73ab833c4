step "list" {
  for_each = ["a", "b"]
  image    = "busybox:latest"
}

step "numbers" {
  for_each = 3
  image    = "busybox:latest"
}

step "from_step" {
  for_each = toset([step.list.name])
  image    = "busybox:latest"
}

step "plain" {
  image   = "busybox:latest"
  command = ["echo", each.key]
}
