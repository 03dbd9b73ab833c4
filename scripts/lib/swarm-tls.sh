# shellcheck shell=bash
# Sourced by scripts/swarm.sh: the TLS material of a test swarm, made with
# openssl. A node's engine on TCP is root on that node, so even a test
# swarm serves it only with --tlsverify: a CA of the swarm's own, a server
# certificate per node (its address and hostname as SANs), and one client
# certificate laid out as DOCKER_CERT_PATH wants it (ca.pem, cert.pem,
# key.pem). EC P-256 keys: generated in milliseconds, unlike RSA.

# tls_key FILE: a fresh private key, readable by its owner only.
tls_key() {
	(umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null)
}

# tls_sign CSR_SUBJECT KEY OUT EXTENSIONS: a certificate for KEY signed by
# the swarm's CA, valid for a week (a test swarm lives minutes).
tls_sign() {
	local tls=$dir/tls
	openssl req -new -key "$2" -subj "$1" 2>/dev/null |
		openssl x509 -req -CA "$tls/ca.pem" -CAkey "$tls/ca-key.pem" -CAcreateserial \
			-CAserial "$tls/ca.srl" -days 7 -out "$3" -extfile <(printf '%s\n' "$4") 2>/dev/null
}

# tls_make ADDR...: the CA, the client pair, and a server pair per node
# (DIR/nN/server-cert.pem, server-key.pem) for the Nth address.
tls_make() {
	local tls=$dir/tls i=0 a
	mkdir -p "$tls"
	tls_key "$tls/ca-key.pem"
	openssl req -x509 -new -key "$tls/ca-key.pem" -subj "/CN=runjob test swarm CA" -days 7 \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
		-out "$tls/ca.pem" 2>/dev/null || die "openssl: cannot make the CA"
	tls_key "$tls/key.pem"
	tls_sign "/CN=runjob test client" "$tls/key.pem" "$tls/cert.pem" \
		"extendedKeyUsage=clientAuth" || die "openssl: cannot make the client certificate"
	for a in "$@"; do
		i=$((i + 1))
		tls_key "$dir/n$i/server-key.pem"
		tls_sign "/CN=rj-n$i" "$dir/n$i/server-key.pem" "$dir/n$i/server-cert.pem" \
			"$(printf 'extendedKeyUsage=serverAuth\nsubjectAltName=IP:%s,DNS:rj-n%s,DNS:localhost,IP:127.0.0.1' "$a" "$i")" ||
			die "openssl: cannot make node $i's server certificate"
	done
	rm -f "$tls/ca.srl"
}
