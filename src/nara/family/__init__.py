"""Family relations register (가족관계등록): parentage, adoption, marriages and divorces."""
