"""Passports (외교부 여권과): applications, photo checks, review, issuance, reissue and loss."""
