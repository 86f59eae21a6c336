complete --keep-order --exclusive --command fed --arguments "(COMPLETE=fish fed -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
