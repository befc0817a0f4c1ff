module cima

go 1.19
