module avala-example

go 1.19
