# Steps that run when something failed. deploy creates an environment and
# smoke_test fails on purpose, so this run exits 1. notify runs because a
# step it depends on failed (when = "on_failure"); cleanup runs whatever
# happened, also after fail-fast, Ctrl-C or the pipeline timeout
# (when = "always"); promote, an ordinary step, is skipped.
step "deploy" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo creating environment review-42"]
}

step "smoke_test" {
  image      = "busybox:latest"
  command    = ["sh", "-c", "echo checking review-42; echo 'health check failed: 503' >&2; exit 1"]
  depends_on = [step.deploy]
}

step "promote" {
  image      = "busybox:latest"
  command    = ["echo", "promoting review-42"]
  depends_on = [step.smoke_test]
}

step "notify" {
  image      = "busybox:latest"
  command    = ["echo", "smoke test of review-42 failed: paging the on-call"]
  depends_on = [step.smoke_test]
  when       = "on_failure"
}

step "cleanup" {
  image      = "busybox:latest"
  command    = ["echo", "removing environment review-42"]
  depends_on = [step.promote]
  when       = "always"
  timeout    = "1m"
}
