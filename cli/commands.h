/* The command table, one line per subcommand (see cli/boshi.c). */
CMD(cmd_init_entry)
