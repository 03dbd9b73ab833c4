step "default_shell" {
  image  = "busybox:latest"
  script = <<-EOT
    set -u
    for f in a b; do
      echo "$f and $${HOME}"
    done
  EOT
}

step "bash" {
  image  = "bash:5"
  shell  = ["/usr/local/bin/bash", "-eo", "pipefail", "-c"]
  script = "echo hi | cat"
}
