"""Motor vehicle register (자동차등록): vehicles, owners, base addresses, transfers and liens."""
