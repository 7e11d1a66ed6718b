"""Business register (사업자등록) and employment records: businesses, employers, employments."""
