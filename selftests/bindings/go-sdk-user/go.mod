module cima-sdk-user

go 1.19

require cima v0.0.0

replace cima => ../../../lib/go
