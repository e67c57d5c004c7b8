module github.com/atlscim/atlscim/go

// 1.24: runtime.AddCleanup and the cgo noescape/nocallback directives.
go 1.24
