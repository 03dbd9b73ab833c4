# Step outputs: version works out a version and release notes and writes
# them to $RUNJOB_OUTPUT, in GitHub Actions' $GITHUB_OUTPUT format; build
# and release use them. Referring to an output makes the dependency.
step "version" {
  image  = "busybox:latest"
  script = <<-EOT
    echo "version=1.4.2" >> "$RUNJOB_OUTPUT"
    {
      echo "notes<<EOF"
      echo "- faster startup"
      echo "- fewer bugs"
      echo "EOF"
    } >> "$RUNJOB_OUTPUT"
  EOT
}

step "build" {
  image  = "busybox:latest"
  script = <<-EOT
    mkdir -p /out/app-${step.version.output.version}
    echo "app ${step.version.output.version}" > /out/app-${step.version.output.version}/VERSION
    echo "tag=app:${step.version.output.version}" >> "$RUNJOB_OUTPUT"
  EOT

  artifact "dist" {
    path = "/out/app-${step.version.output.version}"
  }
}

step "release" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo releasing $TAG; echo \"$NOTES\"; cat /in/VERSION"]
  env = {
    TAG   = step.build.output.tag
    NOTES = step.version.output.notes
  }

  input "dist" {
    from = step.build.artifact.dist
    to   = "/in"
  }
}
