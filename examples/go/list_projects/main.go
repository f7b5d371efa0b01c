// list_projects lists every Avala project, then fetches some by uid, through
// libavala's C ABI from Go (cgo; see ../avala). Key and URL come from
// AVALA_API_KEY and AVALA_BASE_URL.
//
//	go run ./list_projects [-limit 100] [-expect N]
//
// With -expect N it checks: exactly N projects, all uids different, each
// project fetched by uid (from several goroutines sharing one client) has
// that uid, and the unsafe uid "../admin" is refused before sending.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"sync"

	"avala-example/avala"
)

func main() {
	limit := flag.Int("limit", 100, "page size")
	expect := flag.Int("expect", -1, "check that exactly this many projects are listed")
	flag.Parse()
	if err := run(*limit, *expect); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(limit, expect int) error {
	client, err := avala.NewClient(nil)
	if err != nil {
		return err
	}
	defer client.Close()

	// Every project: one iterator, used from this goroutine only.
	it, err := client.Projects(limit)
	if err != nil {
		return err
	}
	var uids []string
	for it.Next() {
		p := it.Project()
		fmt.Printf("%s  %-40s %s\n", p.UID, p.Name, p.Status)
		uids = append(uids, p.UID)
	}
	it.Close()
	if err := it.Err(); err != nil {
		return err
	}

	// Fetch a few by uid from several goroutines: the client is shared.
	picks := []string{}
	for i := 0; i < len(uids); i += 97 {
		picks = append(picks, uids[i])
	}
	got := make([]avala.Project, len(picks))
	errs := make([]error, len(picks))
	var wg sync.WaitGroup
	for i, uid := range picks {
		wg.Add(1)
		go func(i int, uid string) {
			defer wg.Done()
			got[i], errs[i] = client.Project(uid)
		}(i, uid)
	}
	wg.Wait()
	for i, uid := range picks {
		if errs[i] != nil {
			return errs[i]
		}
		if got[i].UID != uid {
			return fmt.Errorf("get %s returned %s", uid, got[i].UID)
		}
	}
	if len(picks) > 0 {
		fmt.Printf("get %s: %s\n", picks[0], got[0].Name)
	}

	if expect >= 0 {
		if len(uids) != expect {
			return fmt.Errorf("listed %d projects, expected %d", len(uids), expect)
		}
		seen := make(map[string]bool, len(uids))
		for _, uid := range uids {
			if seen[uid] {
				return fmt.Errorf("project %s listed twice", uid)
			}
			seen[uid] = true
		}
		if len(picks) == 0 {
			return errors.New("nothing to fetch by uid")
		}
		var e *avala.Error
		if _, err := client.Project("../admin"); !errors.As(err, &e) || e.Kind != "invalid_argument" || e.Attempts != 0 {
			return fmt.Errorf("the unsafe uid ../admin was not refused before sending: %v", err)
		}
		fmt.Printf("libavala %s: %d projects, %d fetched by uid from %d goroutines\n", avala.Version(), len(uids), len(picks), len(picks))
	}
	return nil
}
