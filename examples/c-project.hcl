# A C project's CI: lint, build a library, build the command and the tests
# against it, run them, make the docs, smoke-test the command, package,
# checksum. Every step is reused when what it reads is unchanged: run it
# twice and the second run starts no container; edit app/main.c and only
# app, smoke, package and checksum run again (lint too: it reads all the
# sources). The image has gcc, make and python3: scripts/debian-image.sh.

pipeline {
  reuse = true
}

variable "image" {
  default = "runjob-debian:build"
}

step "lint" {
  image   = var.image
  command = ["python3", "/src/tools/lint.py", "/src/lib", "/src/app", "/src/include", "/src/tests"]
  input "src" {
    from = "c-project"
    to   = "/src"
  }
}

step "lib" {
  image   = var.image
  command = ["make", "-C", "/src", "lib", "OUT=/out"]
  input "lib" {
    from = "c-project/lib"
    to   = "/src/lib"
  }
  input "include" {
    from = "c-project/include"
    to   = "/src/include"
  }
  input "makefile" {
    from = "c-project/Makefile"
    to   = "/src/Makefile"
  }
  artifact "lib" {
    path = "/out"
  }
}

step "app" {
  image   = var.image
  command = ["make", "-C", "/src", "app", "OUT=/bin-out", "LIBDIR=/libcalc"]
  input "app" {
    from = "c-project/app"
    to   = "/src/app"
  }
  input "include" {
    from = "c-project/include"
    to   = "/src/include"
  }
  input "makefile" {
    from = "c-project/Makefile"
    to   = "/src/Makefile"
  }
  input "libcalc" {
    from = step.lib.artifact.lib
    to   = "/libcalc"
  }
  artifact "bin" {
    path = "/bin-out/calc"
  }
}

step "unit" {
  image   = var.image
  command = ["make", "-C", "/src", "test", "OUT=/test-out", "LIBDIR=/libcalc"]
  input "tests" {
    from = "c-project/tests"
    to   = "/src/tests"
  }
  input "include" {
    from = "c-project/include"
    to   = "/src/include"
  }
  input "makefile" {
    from = "c-project/Makefile"
    to   = "/src/Makefile"
  }
  input "libcalc" {
    from = step.lib.artifact.lib
    to   = "/libcalc"
  }
}

step "docs" {
  image  = var.image
  script = "mkdir -p /docs && python3 /tools/docgen.py /include/calc.h > /docs/API.md"
  input "tools" {
    from = "c-project/tools"
    to   = "/tools"
  }
  input "include" {
    from = "c-project/include"
    to   = "/include"
  }
  artifact "docs" {
    path = "/docs"
  }
}

step "smoke" {
  image  = var.image
  script = <<-EOT
    printf '2 + 2\n6 * 7\n' | /bin-in/calc > /tmp/got
    printf '4\n42\n' | cmp - /tmp/got
    echo smoke ok
  EOT
  input "bin" {
    from = step.app.artifact.bin
    to   = "/bin-in"
  }
}

step "package" {
  image      = var.image
  depends_on = [step.smoke, step.unit, step.lint]
  script     = "mkdir -p /dist && tar -C /pkg --sort=name --mtime=@0 --owner=0 --group=0 -czf /dist/calc.tar.gz ."
  input "bin" {
    from = step.app.artifact.bin
    to   = "/pkg/bin"
  }
  input "docs" {
    from = step.docs.artifact.docs
    to   = "/pkg/doc"
  }
  artifact "dist" {
    path = "/dist"
  }
}

step "checksum" {
  image  = var.image
  script = <<-EOT
    cd /dist && sha256sum calc.tar.gz | tee SHA256SUMS
    echo "sha256=$(cut -d' ' -f1 SHA256SUMS)" >> "$RUNJOB_OUTPUT"
  EOT
  input "dist" {
    from = step.package.artifact.dist
    to   = "/dist"
  }
}
