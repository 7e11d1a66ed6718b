"""Internet tax office (HomeTax, 국세청): taxpayers' addresses and balances owed or refundable."""
