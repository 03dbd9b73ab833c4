%{ for name in names ~}
hello ${name}
%{ endfor ~}
