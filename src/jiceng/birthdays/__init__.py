"""Political birthdays: joining anniversaries, greetings and the re-taken oath."""
