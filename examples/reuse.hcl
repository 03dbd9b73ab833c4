# Reuse of unchanged steps (docs/reuse.md): run it twice and the second
# run reuses every step. Change reuse/tests/cases.txt and only test and
# the steps after it run again; change reuse/src and build runs again too.
pipeline { reuse = true }

step "fetch" {
  image   = "busybox:latest"
  network = "none"
  script  = <<-EOT
    mkdir -p /deps
    echo "greeting-lib 1.2.0" > /deps/lock
  EOT
  artifact "deps" { path = "/deps" }
}

step "build" {
  image   = "busybox:latest"
  network = "none"
  input "src" {
    from = "reuse/src"
    to   = "/src"
  }
  input "deps" {
    from = step.fetch.artifact.deps
    to   = "/deps"
  }
  script = <<-EOT
    mkdir -p /out
    { echo '#!/bin/sh'; cat /src/greet.sh; } > /out/greet
    chmod +x /out/greet
    cp /deps/lock /out/
    echo "version=$(cat /src/VERSION)" >> "$RUNJOB_OUTPUT"
    echo "built greet $(cat /src/VERSION)"
  EOT
  artifact "app" { path = "/out" }
}

step "lint" {
  image   = "busybox:latest"
  network = "none"
  input "src" {
    from = "reuse/src"
    to   = "/src"
  }
  script = <<-EOT
    if grep -n TODO /src/*; then exit 1; fi
    echo "lint: clean"
  EOT
}

step "test" {
  image   = "busybox:latest"
  network = "none"
  input "app" {
    from = step.build.artifact.app
    to   = "/app"
  }
  input "cases" {
    from = "reuse/tests"
    to   = "/tests"
  }
  script = <<-EOT
    while IFS='|' read -r name want; do
      got=$(/app/greet "$name")
      if [ "$got" != "$want" ]; then
        echo "FAIL: greet $name: got '$got', want '$want'"
        exit 1
      fi
      echo "ok: greet $name"
    done < /tests/cases.txt
  EOT
}

step "package" {
  image      = "busybox:latest"
  network    = "none"
  depends_on = [step.test]
  input "app" {
    from = step.build.artifact.app
    to   = "/app"
  }
  script = <<-EOT
    mkdir -p /dist
    tar -C /app -cf /dist/greet-${step.build.output.version}.tar .
    echo "packed greet-${step.build.output.version}.tar"
  EOT
  artifact "dist" { path = "/dist" }
}

step "report" {
  image   = "busybox:latest"
  network = "none"
  input "dist" {
    from = step.package.artifact.dist
    to   = "/dist"
  }
  command = ["sh", "-c", "ls /dist && echo released greet ${step.build.output.version}"]
}
